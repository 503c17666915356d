"""The portal at phone size (375 × 812): a professional logs in through the login form and
sees their bookings; screenshot under docs/screens/."""

from pathlib import Path

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def test_professional_logs_in_and_sees_my_bookings_at_phone_size(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(f"{site['urls'][0]}/accounts/login/?next=/portal/")
        page.fill("[name=login]", "ana@pro.test")
        page.fill("[name=password]", site["password"])
        page.click("form [type=submit]")
        page.wait_for_url("**/portal/")
        assert page.locator(".booking-card").count() > 0
        assert "Bruno Brito" not in page.content()
        # Bottom nav tap targets are comfortable on a phone.
        box = page.locator(".bottom-nav a").first.bounding_box()
        assert box["height"] >= 44
        page.screenshot(path=str(SCREENS / "portal-my-bookings-375.png"), full_page=True)
    finally:
        context.close()
