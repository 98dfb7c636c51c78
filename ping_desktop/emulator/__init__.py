"""A local emulator of the Ping.Data API, for tests, benchmarks, development and demo mode.

All the endpoints of the reference under ``/api/v1`` (bulk_enhance start/status/output, enhance,
datasources, usage) with ``Authorization: Token`` checks, a job lifecycle computed from
timestamps, deterministic synthetic results, and switchable faults. Results are synthetic.

In tests::

    from ping_desktop.emulator.config import EmulatorConfig
    from ping_desktop.emulator.server import EmulatorServer

    with EmulatorServer(EmulatorConfig(tokens=frozenset({"t"}), locations_per_second=0)) as emu:
        emu.set_faults(throttle=2, retry_after=0.2)   # the next 2 requests get 429
        ...  # talk to emu.api_url over HTTP
        assert emu.stats()["jobs_created"] == 1

From a shell: ``ping-desktop-cli emulator --port 8765 --token demo``. Test-only endpoints without
auth: ``GET /__emulator__/stats``, ``GET|POST /__emulator__/faults``, ``POST /__emulator__/reset``.
In-process ASGI app: ``ping_desktop.emulator.app.create_app(config, faults)``.

Importing this package imports nothing heavy; the modules above load Starlette and uvicorn.
"""
