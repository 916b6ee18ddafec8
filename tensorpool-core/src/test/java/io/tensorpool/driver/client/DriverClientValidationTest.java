package io.tensorpool.driver.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.driver.MessageHeaderDecoder;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachRequestDecoder;
import io.tensorpool.codecs.driver.ShmAttachResponseEncoder;
import io.tensorpool.codecs.driver.ShmDetachRequestDecoder;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.DriverResponseEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A fake driver answers attach requests with OK responses that break one Driver §4.2 rule each; the client must treat
 * every one as a protocol error: no lease, detach the bogus lease id, back off and reattach (Driver §4.7a).
 */
class DriverClientValidationTest
{
    private static final int STREAM = 10003;
    private static final int BLOCK = MessageHeaderDecoder.ENCODED_LENGTH;

    private static StreamLayout layout(final int poolNslots, final String headerUri, final String poolUri)
    {
        return new StreamLayout(STREAM, 5, 1, 64, headerUri,
            List.of(new PoolDescriptor(1, poolNslots, 4096, poolUri)));
    }

    private static final String GOOD_HEADER = "shm:file?path=/dev/shm/x/header.ring";
    private static final String GOOD_POOL = "shm:file?path=/dev/shm/x/payload-1.pool";

    /** One bad OK response: the layout to encode and the byte patch to apply after encoding. */
    private static final class Case
    {
        final String name;
        final StreamLayout layout;
        final Function<UnsafeBuffer, Void> patch;

        Case(final String name, final StreamLayout layout, final Function<UnsafeBuffer, Void> patch)
        {
            this.name = name;
            this.layout = layout;
            this.patch = patch;
        }
    }

    private static Case patched(final String name, final int offset, final long value, final int size)
    {
        return new Case(name, layout(64, GOOD_HEADER, GOOD_POOL), b ->
        {
            switch (size)
            {
                case 1:
                    b.putByte(BLOCK + offset, (byte)value);
                    break;
                case 2:
                    b.putShort(BLOCK + offset, (short)value);
                    break;
                case 4:
                    b.putInt(BLOCK + offset, (int)value);
                    break;
                default:
                    b.putLong(BLOCK + offset, value);
                    break;
            }
            return null;
        });
    }

    @Test
    void everyBrokenOkResponseIsAProtocolErrorAndTheClientReattaches()
    {
        final List<Case> cases = List.of(
            patched("null leaseId", ShmAttachResponseEncoder.leaseIdEncodingOffset(), -1L, 8),
            patched("null streamId", ShmAttachResponseEncoder.streamIdEncodingOffset(), -1L, 4),
            patched("other streamId", ShmAttachResponseEncoder.streamIdEncodingOffset(), STREAM + 1, 4),
            patched("null epoch", ShmAttachResponseEncoder.epochEncodingOffset(), -1L, 8),
            patched("null layoutVersion", ShmAttachResponseEncoder.layoutVersionEncodingOffset(), -1L, 4),
            patched("null headerNslots", ShmAttachResponseEncoder.headerNslotsEncodingOffset(), -1L, 4),
            patched("headerSlotBytes 128", ShmAttachResponseEncoder.headerSlotBytesEncodingOffset(), 128, 2),
            patched("maxDims 4", ShmAttachResponseEncoder.maxDimsEncodingOffset(), 4, 1),
            patched("unknown code", ShmAttachResponseEncoder.codeEncodingOffset(), 99, 4),
            new Case("no pools", new StreamLayout(STREAM, 5, 1, 64, GOOD_HEADER, List.of()), b -> null),
            new Case("pool nslots mismatch", layout(32, GOOD_HEADER, GOOD_POOL), b -> null),
            new Case("empty header uri", layout(64, "", GOOD_POOL), b -> null),
            new Case("blank pool uri", layout(64, GOOD_HEADER, "   "), b -> null),
            new Case("unknown uri scheme", layout(64, "file:///dev/shm/x", GOOD_POOL), b -> null),
            new Case("relative path", layout(64, "shm:file?path=dev/shm/x", GOOD_POOL), b -> null));

        try (TestMediaDriver media = TestMediaDriver.launch(); Aeron aeron = media.connect();
            FakeDriver fake = new FakeDriver(aeron, cases))
        {
            final List<String> failures = new ArrayList<>();
            final DriverClient client = new DriverClient(new DriverClient.Context()
                .aeron(aeron)
                .streamId(STREAM)
                .role(Role.CONSUMER)
                .backoffInitialNs(1_000_000)
                .backoffMaxNs(2_000_000)
                .listener(new DriverClientListener()
                {
                    @Override
                    public void onAttachFailed(final ResponseCode code, final String message)
                    {
                        failures.add(message);
                    }
                }));
            try
            {
                client.requestAttach();
                Await.until("every broken response rejected, then attached on the valid one (failures so far: " +
                    failures + ")", () -> client.state() == LeaseState.ATTACHED, () ->
                    {
                        fake.poll();
                        client.doWork();
                    });
                assertEquals(cases.size(), client.protocolErrors(), failures.toString());
                assertEquals(cases.size(), failures.size());
                for (final String failure : failures)
                {
                    assertTrue(failure.startsWith("protocol error"), failure);
                }
                assertEquals(GOOD_HEADER, client.attachment().layout().headerRegionUri());
                Await.until("bogus leases detached", () -> fake.detachedLeases.size() == cases.size() - 1,
                    () -> fake.poll());
                assertFalse(fake.detachedLeases.contains(-1L), "no detach for a null lease id");
            }
            finally
            {
                client.close();
            }
        }
    }

    /** Answers each attach request with the next case, the last one valid; records detach requests. */
    private static final class FakeDriver implements AutoCloseable
    {
        final Subscription subscription;
        final Publication publication;
        final ArrayDeque<Case> remaining;
        final List<Long> detachedLeases = new ArrayList<>();
        final DriverResponseEncoder encoder = new DriverResponseEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final FragmentAssembler assembler;
        long leaseId = 100;

        FakeDriver(final Aeron aeron, final List<Case> cases)
        {
            subscription = aeron.addSubscription(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
            publication = aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
            remaining = new ArrayDeque<>(cases);
            assembler = new FragmentAssembler((b, offset, length, header) ->
            {
                final int schema = b.getShort(offset + 4) & 0xFFFF;
                final int template = b.getShort(offset + 2) & 0xFFFF;
                if (schema != 901)
                {
                    return;
                }
                if (template == ShmAttachRequestDecoder.TEMPLATE_ID)
                {
                    final long correlationId = b.getLong(offset + BLOCK);
                    final Case next = remaining.poll();
                    final int encoded = encoder.attachOk(buffer, 0, correlationId, leaseId++, System.nanoTime() +
                        3_000_000_000L, next == null ? layout(64, GOOD_HEADER, GOOD_POOL) : next.layout);
                    if (next != null)
                    {
                        next.patch.apply(buffer);
                    }
                    while (publication.offer(buffer, 0, encoded) < 0)
                    {
                        Thread.onSpinWait();
                    }
                }
                else if (template == ShmDetachRequestDecoder.TEMPLATE_ID)
                {
                    detachedLeases.add(b.getLong(offset + BLOCK + ShmDetachRequestDecoder.leaseIdEncodingOffset()));
                }
            });
        }

        void poll()
        {
            subscription.poll(assembler, 10);
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(subscription, publication);
        }
    }
}
