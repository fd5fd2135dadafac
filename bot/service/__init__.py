"""Use-cases shared by the watcher, the scheduler, the command line and the admin commands."""
