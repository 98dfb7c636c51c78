"""The background worker process: reading, planning, storing new runs, ingesting outputs and
exporting, off the window's process (calamine, json and big ``map`` calls hold the GIL).

``pool`` is the asyncio side, ``tasks`` what runs inside the worker, ``contract`` the data that
crosses between them, ``process_setup`` the worker's priority and logging.
"""
