"""The admin's read-only pages: rows written only by a service (history, payments,
statements, claims, invitations) are shown, never added, edited or deleted by hand."""


class ReadOnly:
    """Mix into a ModelAdmin or an inline, before the admin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
