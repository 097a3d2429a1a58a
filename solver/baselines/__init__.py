"""The baselines every plan is measured against: FCFS booking and the min-cost flow optimum."""
