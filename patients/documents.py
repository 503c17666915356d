"""Identity documents: each type's check (python-stdnum where the number carries a
checksum), how it is stored (compact) and how it is written for a person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.br import cpf
from stdnum.pe import cui
from stdnum.pt import cc, nif

from .models import DocumentType

# The stdnum module that validates each type; the others are checked for form only.
CHECKED = {
    DocumentType.CPF: cpf,
    DocumentType.DNI: cui,
    DocumentType.NIF: nif,
    DocumentType.CC: cc,
}


def compact(number: str) -> str:
    return "".join(ch for ch in (number or "") if ch.isalnum()).upper()


def clean(document_type: str, number: str) -> str:
    """The number as stored (compact), or ValidationError with a sentence a receptionist
    can act on: a wrong check digit, a wrong length, letters where digits belong. A blank
    number is fine (not every patient shows a document); a number needs its type."""
    number = compact(number)
    if not number:
        return ""
    if not document_type:
        raise ValidationError(
            {"document_type": _("Say which document this number is from.")}, code="required"
        )
    if document_type not in DocumentType.values:
        raise ValidationError(
            {"document_type": _("Unknown document type “%(type)s”.") % {"type": document_type}},
            code="invalid_choice",
        )
    module = CHECKED.get(document_type)
    label = DocumentType(document_type).label
    if module is not None:
        try:
            return compact(module.validate(number))
        except stdnum_errors.InvalidChecksum:
            message = _("This %(document)s number's check digit is wrong; check it again.")
        except stdnum_errors.InvalidLength:
            message = _("This %(document)s number has the wrong number of characters.")
        except stdnum_errors.ValidationError:
            message = _("This is not a valid %(document)s number.")
        raise ValidationError(
            {"document_number": message % {"document": label}}, code="invalid_document"
        )
    if not 4 <= len(number) <= 20:
        raise ValidationError(
            {"document_number": _("A document number has 4 to 20 letters and digits.")},
            code="invalid_document",
        )
    return number


def display(document_type: str, number: str) -> str:
    """The number as printed on the document ("390.533.447-05")."""
    module = CHECKED.get(document_type)
    if module is not None and number and hasattr(module, "format"):
        try:
            return module.format(number)
        except Exception:  # an old row stored before a rule changed: show it as it is
            return number
    return number
