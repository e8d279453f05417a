"""Payments: amounts due paid online via Stripe or confirmed offline; the Stripe webhook inbox."""
