"""openlicense: patent open-licensing marketplace."""
