"""Python that runs inside the Rasa server: custom channel and custom NLU components."""
