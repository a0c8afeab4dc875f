"""The CP-SAT model: prepared instance -> variables -> one module per rule family -> solve.

No file I/O, no Streamlit, no globals: everything comes in through ``Instance``.
"""
