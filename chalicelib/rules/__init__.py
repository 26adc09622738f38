"""The pure rules layer (规则层): values in, values out.

Nothing here imports AWS, Chalice, the clock or the environment. The same code
answers a citizen's estimate, the benefit balance and a hospital's settlement.
"""
