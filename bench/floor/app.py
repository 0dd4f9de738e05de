"""The floor: a minimal Chalice app whose one route does what POST /leads must do at least
(one DynamoDB put, one SQS send, with boto3). Our app is measured against it."""

import json
import os
import uuid

import boto3
from chalice import Chalice

app = Chalice(app_name="floor")
_clients = {}


def _client(name):
    if name not in _clients:
        _clients[name] = boto3.client(name, region_name=os.environ["AWS_DEFAULT_REGION"])
    return _clients[name]


@app.route("/leads", methods=["POST"])
def create_lead():
    body = app.current_request.json_body
    lead_id = str(uuid.uuid4())
    _client("dynamodb").put_item(
        TableName=os.environ["TABLE_NAME"],
        Item={"pk": {"S": f"LEAD#{lead_id}"}, "sk": {"S": "LEAD"}, "data": {"S": json.dumps(body)}},
    )
    _client("sqs").send_message(QueueUrl=os.environ["JOBS_QUEUE_URL"], MessageBody=json.dumps({"lead_id": lead_id}))
    return {"lead_id": lead_id}
