"""Runtime code shared by every aigw Lambda function (copied into each function zip).

Standard library only; boto3 is imported lazily by the few paths that need it.
"""
