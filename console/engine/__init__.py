"""The engine: orchestration above the vendors and the sandbox (the AppContext a run works
in, and the pipeline from a draft to history). Front ends (command line, window) call it."""
