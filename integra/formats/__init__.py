"""Django's locale formats where ours differ (FORMAT_MODULE_PATH): the numbers a form
shows and reads must agree with what Babel writes on the same page."""
