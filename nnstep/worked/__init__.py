"""Worked formulas: each number of Steps 3-6 as the slides derive it, with the numbers substituted.

Above the numeric core and below every file and output format: formula trees (formula.py), the
numbers of one step exact or hand-rounded (hand.py), the two notations (notation.py) and the
sheets of worked formulas per node and weight (sheets.py).
"""
