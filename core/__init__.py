"""What every layer uses: the settings, and the text utilities (one tokenizer and stop-word list, one
sentence splitter, one ID grammar)."""
