"""Plain dataclasses that pages and files show: services fill them, reports turn them into
tables, ui shows them. They sit below both services and reports so neither imports the other
for them; they import nothing of the app but the domain."""
