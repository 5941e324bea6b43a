"""The fiscal years bpr accepts anywhere: the config, `--start-fy`, and plans in the inventory."""

MIN_FY = 1989  # 平成元年度
MAX_FY = 2200
