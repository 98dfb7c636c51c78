"""The run being prepared in the window, without Qt: the open file, its mapping, the chosen
sources, the plan and what still stops it from starting. (Filled in by issue 10's GUI work.)"""
