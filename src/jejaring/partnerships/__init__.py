"""Kemitraan under PP 7/2021: proposal, agreement, orders, deliveries, invoices, payments, evaluations."""
