"""Placeholder deployed by the first `cdktf deploy`, before CodeBuild uploads the real skill.

It answers every request with a well-formed Alexa response, so the aliases, the
Alexa permissions and the release scripts' smoke test work from day one.
Terraform ignores code changes afterwards (lifecycle.ignore_changes).
"""


def lambda_handler(event, context):
    request_type = (event.get("request") or {}).get("type", "")
    text = "Boston Info is being set up. Please try again soon."
    if request_type == "SessionEndedRequest":
        return {"version": "1.0", "response": {}}
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "PlainText", "text": text},
            "shouldEndSession": True,
        },
    }
