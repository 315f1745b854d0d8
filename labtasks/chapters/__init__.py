"""The kernel-side experiments that chapters drive (and, later, each chapter's exercise checks).

Nothing here runs in a worker: these modules may use the lab; the task modules may not."""
