"""Prices, payments and statements arrive with the billing issue."""
