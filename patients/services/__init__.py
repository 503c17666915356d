"""The patients services: the only code that writes patients, their relationships and
their care team (records)."""

from .records import (  # noqa: F401
    add_to_care_team,
    create_patient,
    erase,
    link_guardian,
    remove_from_care_team,
    set_discreet,
    unlink_guardian,
    update_patient,
)
