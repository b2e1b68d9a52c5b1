"""Synthetic measures for scale tests: `isi generate --measures N --seed S`.

- `regions`, `subjects`, `vocabulary`: the German words and real places measures are made of.
- `generator`: pure and reproducible, (count, seed, reference date) → dataclasses with keys.
- `writer`: maps keys to rows and bulk-inserts them in one transaction.

The package imports nothing from Django here, so the generator runs without a database.
"""
