"""Survey pages: staff (`staff.py`: definitions, tracking, figures, comparisons, export) and
respondents (`answer.py`: a lead's surveys, answering signed in or through a personal link)."""
