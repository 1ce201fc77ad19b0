"""Unit economics per tenant over time: monthly cost of revenue, gross margin, LTV and CAC payback."""
