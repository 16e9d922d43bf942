"""overviews"""
