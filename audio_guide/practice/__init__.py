"""A practice: many clients' tracks kept up to date and delivered as private podcast feeds.

``folder`` (layout and state), ``tracks`` (what shapes each track's sound: its fingerprint),
``jobs`` (building tracks here, in a local pool or on a Dask cluster), ``batch`` (what is out of
date, and building it), ``feed``/``site``/``deliver`` (the client folders), ``example``
(``practice init``).
"""
