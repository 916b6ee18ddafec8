package io.tensorpool.driver;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.client.DriverRequestEncoder;
import io.tensorpool.testing.Await;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/** Sends hand-made (valid or deliberately broken) requests to the driver and finds their responses in the spy. */
final class RawRequests implements AutoCloseable
{
    private static final AtomicLong CORRELATION = new AtomicLong(5000);

    final DriverTestHarness h;
    final Publication publication;
    final DriverRequestEncoder encoder = new DriverRequestEncoder();
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    RawRequests(final DriverTestHarness h)
    {
        this.h = h;
        this.publication = h.aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
        Await.until("raw publication connected", publication::isConnected, h::pump);
    }

    static long nextCorrelationId()
    {
        return CORRELATION.incrementAndGet();
    }

    void send(final UnsafeBuffer source, final int length)
    {
        Await.until("raw request offered", () -> publication.offer(source, 0, length) > 0, h::pump);
    }

    /** Encode a valid attach request into {@link #buffer}; returns its length. */
    int encodeAttach(
        final long correlationId, final int streamId, final int clientId, final Role role, final PublishMode mode)
    {
        return encoder.attachRequest(buffer, 0, correlationId, streamId, clientId, role, 0, mode,
            HugepagesPolicy.UNSPECIFIED);
    }

    long sendAttach(final int streamId, final int clientId, final Role role)
    {
        final long correlationId = nextCorrelationId();
        send(buffer, encodeAttach(correlationId, streamId, clientId, role, PublishMode.EXISTING_OR_CREATE));
        return correlationId;
    }

    void sendShutdown(final String token, final ShutdownReason reason)
    {
        send(buffer, encoder.shutdownRequest(buffer, 0, nextCorrelationId(), reason, token, "test"));
    }

    /** Pump until the attach response for {@code correlationId} arrives and return it (a copy-backed decoder). */
    ShmAttachResponseDecoder awaitAttachResponse(final long correlationId)
    {
        final int[] index = {-1};
        h.pumpUntil("attach response " + correlationId, () ->
        {
            index[0] = h.spy.indexOf(0, m -> m.isAttachResponse() && m.attachResponse().correlationId() == correlationId);
            return index[0] >= 0;
        });
        return h.spy.messages.get(index[0]).attachResponse();
    }

    /** Pump until the detach response for {@code correlationId} arrives and return its message. */
    ControlSpy.Message awaitDetachResponse(final long correlationId)
    {
        final int[] index = {-1};
        h.pumpUntil("detach response " + correlationId, () ->
        {
            index[0] = h.spy.indexOf(0, m -> m.isDetachResponse() && m.detachResponse().correlationId() == correlationId);
            return index[0] >= 0;
        });
        return h.spy.messages.get(index[0]);
    }

    @Override
    public void close()
    {
        publication.close();
    }
}
