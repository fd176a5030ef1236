"""Preview, print and save the conversation documents (the PDFs come from app.documents)."""
