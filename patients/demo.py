"""Demo patients for `seed_demo`: names of each country, valid documents (check digits
from python-stdnum), valid mobile numbers in E.164, languages and consents; about 8 %
minors, each with one or two adult guardians. Written through patients.services, so the
demo holds only what the product can reach. Deterministic for a given random generator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.br import cpf
from stdnum.pe import cui
from stdnum.pt import nif

from accounts.audit import Source

from .models import DocumentType, Patient, RelationshipKind
from .services import records

# Data, not ours to translate: the names the clinics' patients have.
NAMES = {
    "BR": (
        "Marina Lucas Beatriz Rafael Juliana Gustavo Camila Thiago Larissa Felipe Fernanda "
        "Rodrigo Amanda Bruno Letícia Vinícius Gabriela Mateus Carolina Leonardo Patrícia "
        "Eduardo Aline Ricardo Priscila André Natália Daniel Vanessa Caio Renata Otávio",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
        "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento "
        "Moreira Cardoso Teixeira Correia Mendes Nunes Araújo",
    ),
    "PE": (
        "Lucía Mateo Valentina Santiago Camila Sebastián Ximena Diego Fernanda Joaquín Daniela "
        "Alejandro Milagros Renzo Rosa Gonzalo Andrea Luis Carmen Jorge Claudia Óscar Patricia "
        "Miguel Gabriela Álvaro Sofía Piero Mariana César",
        "Quispe Flores Rodríguez Huamán Mamani García Sánchez Rojas Chávez Vásquez Ramírez "
        "Torres Mendoza Castillo Gutiérrez Vargas Díaz Espinoza Cruz Ramos Salazar Paredes "
        "Cárdenas Condori Herrera Zevallos Medina Ríos Aguilar Campos",
    ),
    "PT": (
        "Inês Tiago Beatriz Duarte Matilde Rodrigo Leonor Afonso Mariana Tomás Carolina "
        "Francisco Margarida Gonçalo Catarina Diogo Madalena Martim Joana Rui Teresa Vasco "
        "Filipa Nuno Rita Miguel Helena João Sara Bernardo",
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Jesus Sousa Fernandes "
        "Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho Teixeira Moreira "
        "Correia Mendes Nunes Soares Vieira Monteiro Cardoso Rocha",
    ),
}
LANGUAGE = {"BR": "pt-br", "PE": "es", "PT": "pt-pt"}
EMAIL_DOMAIN = {"BR": "exemplo.com.br", "PE": "ejemplo.pe", "PT": "exemplo.pt"}
MINOR_SHARE = 0.08


def document(country: str, rng) -> tuple[str, str]:
    """A document type and a number whose check digits are right."""
    if country == "BR":
        base = "".join(str(rng.randrange(10)) for _ in range(9))
        return DocumentType.CPF, base + cpf._calc_check_digits(base)
    if country == "PE":
        base = f"{rng.randrange(10_000_000, 79_999_999)}"
        return DocumentType.DNI, base + cui.calc_check_digits(base)[0]
    base = f"{rng.choice('123')}{rng.randrange(10_000_000):07d}"
    return DocumentType.NIF, base + nif.calc_check_digit(base)


def mobile(country: str, rng) -> str:
    """A mobile number of the country in E.164 (São Paulo 11 9xxxx-xxxx, Peru 9xx xxx xxx,
    Portugal 91/92/93/96x xxx xxx)."""
    if country == "BR":
        return f"+55119{rng.randrange(6, 10)}{rng.randrange(10**7):07d}"
    if country == "PE":
        return f"+519{rng.randrange(10**8):08d}"
    return f"+3519{rng.choice('1236')}{rng.randrange(10**7):07d}"


@dataclass
class DemoPatient:
    patient: Patient
    country: str


def _values(country: str, rng, today: date, *, minor: bool, taken: set) -> dict:
    firsts, lasts = (names.split() for names in NAMES[country])
    first, last = rng.choice(firsts), f"{rng.choice(lasts)} {rng.choice(lasts)}"
    if minor:
        born = today - timedelta(days=rng.randrange(4 * 365, 17 * 365))
    else:
        born = today - timedelta(days=rng.randrange(19 * 365, 80 * 365))
    kind, number = document(country, rng)
    while number in taken:
        kind, number = document(country, rng)
    taken.add(number)
    slug = "".join(ch for ch in f"{first}.{last.split()[0]}".lower() if ch.isascii())
    return {
        "first_name": first,
        "last_name": last,
        "document_type": kind,
        "document_number": number,
        "birth_date": born,
        "email": "" if minor else f"{slug}{rng.randrange(100)}@{EMAIL_DOMAIN[country]}",
        "phone": "" if minor else mobile(country, rng),
        "language": LANGUAGE[country],
        "consent_email": not minor and rng.random() < 0.8,
        "consent_whatsapp": not minor and rng.random() < 0.7,
        "consent_sms": not minor and rng.random() < 0.3,
        "consent_surveys": not minor and rng.random() < 0.6,
        "joined_on": today - timedelta(days=rng.randrange(1, 3 * 365)),
    }


def create_patients(counts: dict[str, int], rng, *, by) -> dict[str, list[Patient]]:
    """`counts[country]` patients per country ("BR", "PE", "PT"), about 8 % of them minors,
    each minor with one or two adult guardians of the same country, one of whom receives
    the messages."""
    today = date.today()
    taken: set[str] = set()
    made: dict[str, list[Patient]] = {}
    for country, count in counts.items():
        minors = round(count * MINOR_SHARE)
        adults = [
            records.create_patient(
                _values(country, rng, today, minor=False, taken=taken),
                by=by,
                source=Source.BACKOFFICE,
            )
            for _ in range(count - minors)
        ]
        children = []
        for _ in range(minors):
            child = records.create_patient(
                _values(country, rng, today, minor=True, taken=taken),
                by=by,
                source=Source.BACKOFFICE,
            )
            guardians = rng.sample(adults, rng.choice((1, 1, 2)))
            for index, guardian in enumerate(guardians):
                records.link_guardian(
                    child,
                    guardian,
                    kind=RelationshipKind.PARENT
                    if rng.random() < 0.9
                    else RelationshipKind.LEGAL_GUARDIAN,
                    receives_messages=index == 0,
                    by=by,
                    source=Source.BACKOFFICE,
                )
            children.append(child)
        made[country] = adults + children
    return made
