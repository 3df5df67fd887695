"""The fault drills' frame: the fault schedule, the world, the checkers, the
hostile update generator. The drills themselves are tests/e2e/test_drills.py;
the pure pieces are unit-tested in tests/unit/test_drill_frame.py."""
