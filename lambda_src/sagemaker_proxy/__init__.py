"""SageMaker proxy: a small Lambda in front of SageMaker real-time endpoints.

JSON/CSV request normalisation, output parsing and OpenAI-shaped error mapping
(``modules/sagemaker-route`` with ``mode = "lambda"``).
"""
