"""Files an analyst downloads (HTML reports, CSV, XLSX): pure builders, no Streamlit."""
