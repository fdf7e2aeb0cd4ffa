"""A real S3 API on loopback for the storage tests: moto's server (``ThreadedMotoServer``, the
S3 protocol over HTTP) in a thread of the test process, a bucket made for each test, and the
settings that point this process (``s3_storages``) or a worker subprocess (``s3_env``) at it."""
import socket
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

from training.storage_settings import file_storages, s3_options

ACCESS_KEY, SECRET_KEY, REGION = "vigil-test", "vigil-test-secret", "eu-west-3"


@dataclass
class Bucket:
    endpoint_url: str
    name: str

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name=REGION)

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    @property
    def env(self) -> dict[str, str]:
        """The variables that put a Vigil process (a worker, gunicorn) on this bucket."""
        return {"VIGIL_S3_BUCKET": self.name, "VIGIL_S3_ENDPOINT_URL": self.endpoint_url,
                "VIGIL_S3_REGION": REGION, "VIGIL_S3_ACCESS_KEY_ID": ACCESS_KEY,
                "VIGIL_S3_SECRET_ACCESS_KEY": SECRET_KEY}

    @property
    def storages(self) -> dict:
        return file_storages(private_root="/nonexistent", s3=s3_options(
            bucket=self.name, endpoint_url=self.endpoint_url, region=REGION,
            access_key=ACCESS_KEY, secret_key=SECRET_KEY))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, request):
    bucket = Bucket(endpoint_url=s3_server, name=f"vigil-{abs(hash(request.node.nodeid)) % 10**10}")
    bucket.client().create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket


@pytest.fixture
def s3_storages(settings, s3_bucket):
    """This process's media and private files in the test bucket."""
    settings.STORAGES = s3_bucket.storages
    settings.VIGIL_S3_BUCKET = s3_bucket.name
    return s3_bucket
