"""The client's own dossier page behind a personal link: documents, signature, filing, decision."""
