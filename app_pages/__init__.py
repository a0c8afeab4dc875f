"""The Streamlit app's pages and the small helpers they share (state, labels, widgets).

Pages only lay out what the ``restructure`` package computes: no modelling or file parsing here.
"""
