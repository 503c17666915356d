"""The backoffice's one menu (backoffice/nav.html, through backoffice/base.html): on every
staff page it is there, with the page's own entry marked and no other."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_manager(manager):
    client = Client()
    client.force_login(manager)
    return client


PAGES = [
    ("calendar:calendar", {}, "Calendar"),
    ("professionals:list", {}, "Professionals"),
    ("professionals:create", {}, "Professionals"),
    ("patients:list", {}, "Patients"),
    ("patients:create", {}, "Patients"),
    ("calendar:location-policies", {}, "Policies"),
    ("billing:overview", {}, "Billing"),
    ("billing:export-page", {}, "Exports"),
    ("billing:month-table", {}, "Month table"),
]


@pytest.mark.parametrize(("name", "kwargs", "marked"), PAGES)
def test_each_staff_page_marks_its_own_menu_entry(as_manager, location, name, kwargs, marked):
    page = as_manager.get(reverse(name, kwargs=kwargs)).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    entries = re.findall(r"<a [^>]*>([^<]+)</a>", nav)
    assert entries == [
        "Calendar",
        "Professionals",
        "Patients",
        "Policies",
        "Billing",
        "Month table",
        "Exports",
        "Admin",
    ]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [marked]
    assert "css/staff.css" in page


def test_a_location_policy_page_marks_policies(as_manager, location):
    page = as_manager.get(reverse("calendar:location-policy", args=[location.pk])).content
    assert re.findall(rb'aria-current="page">([^<]+)</a>', page) == [b"Policies"]


def test_reception_has_no_exports_entry(staff, location):
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("calendar:calendar")).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav) == [
        "Calendar",
        "Professionals",
        "Patients",
        "Policies",
        "Billing",
        "Admin",
    ]
