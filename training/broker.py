"""The Redis transport of the Celery broker, made to survive broker outages.

``CELERY_BROKER_TRANSPORT`` names this module's ``Transport`` for the ``redis://`` broker
URL. It is kombu's Redis transport with repairs for a worker that loses the broker while a
message is unacknowledged (a late-acked grading task running or prefetched); kombu 5.7.0
and Celery 5.7.0, the newest releases, then stop the worker with an "Unrecoverable error"
and grading stops until someone restarts it. Two ways, both in the worker's consumer:

- ``AttributeError: 'NoneType' object has no attribute 'hostname'``. On the connection
  loss Celery calls ``Connection.collect()``, which closes the channels. The task
  channel's close first reads the reply of its pending ``BRPOP`` from the dead socket;
  that raises before the channel is marked closed (kombu swallows it). Then
  ``Transport.close_connection`` closes the other channels and stops at the first that
  raises (the remote-control channel, deleting its fanout queue on the dead socket), so
  the task channel stays open, and ``collect()`` drops the transport's link to its
  ``Connection`` (``transport.client = None``). Celery closes the connection once more:
  the task channel now puts its unacknowledged messages back, builds a Redis pool from
  ``transport.client.hostname``, and the AttributeError, being no connection error,
  escapes everything.
- ``AttributeError: 'NoneType' object has no attribute 'client'``. A task that was running
  during the loss finishes after the reconnect and is acked on the channel it came from,
  which is closed (``channel.connection = None``): the ack builds a pool from
  ``channel.connection.client``.

The repairs: ``close_connection`` closes every channel even when one fails on the dead
connection, and a channel remembers the connection parameters it used, so what it still
has to do once closed (restore or ack a message) reaches Redis like any other command. That
works, or fails with a connection error that kombu and Celery log and survive; a message
neither restored nor acked stays in Redis's unacked set and comes back after the
visibility timeout, and grading it again is a no-op. A requeue on a closed channel (the
queue lookup needs the closed transport) is refused the same way rather than losing the
message. tests/integration/test_broker_outages.py takes a live worker through ten outages.
"""
import logging

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)


class Channel(redis.Channel):
    """kombu's Redis channel, still able to restore and ack messages once closed."""

    def __init__(self, *args, **kwargs):
        self._remembered_connparams = {}
        super().__init__(*args, **kwargs)

    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or transport.client is None:  # closed, or its transport dropped
            try:
                return dict(self._remembered_connparams[asynchronous])
            except KeyError:
                raise RedisConnectionError("the channel's broker connection is closed") from None
        params = super()._connparams(asynchronous=asynchronous)
        self._remembered_connparams[asynchronous] = dict(params)
        return params

    def close(self):
        try:
            super().close()
        finally:
            if self.closed:
                self._disconnect_pools()  # the pool a restore may have opened after kombu disconnected its own

    def basic_ack(self, delivery_tag, multiple=False):
        try:
            super().basic_ack(delivery_tag, multiple=multiple)
        finally:
            if self.closed:
                self._disconnect_pools()  # an ack on a closed channel opens a pool for itself alone

    def basic_reject(self, delivery_tag, requeue=False):
        if requeue and self.connection is None:
            # kombu would drop the message from the unacked set without requeueing it (finding
            # its queue needs the closed transport); leave it there for the visibility timeout.
            raise RedisConnectionError("cannot requeue a message on a closed channel")
        try:
            super().basic_reject(delivery_tag, requeue=requeue)
        finally:
            if self.closed:
                self._disconnect_pools()


class Transport(redis.Transport):
    """kombu's Redis transport, whose connection close closes every channel."""

    Channel = Channel

    def close_connection(self, connection):
        self.cycle.close()
        for channels in self._avail_channels, self.channels:
            while channels:
                channel = channels.pop()
                try:
                    channel.close()
                except self.connection_errors + self.channel_errors:
                    # The broker is gone: this channel is closed as far as it can be; close the others.
                    logger.debug("Closing a channel of a lost broker connection failed", exc_info=True)
