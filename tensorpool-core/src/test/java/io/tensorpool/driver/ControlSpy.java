package io.tensorpool.driver;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tensorpool.codecs.driver.MessageHeaderDecoder;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDetachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownDecoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/** Records every message on the control stream, in order, as copies with their schema and template ids. */
final class ControlSpy implements FragmentHandler
{
    static final class Message
    {
        final int schemaId;
        final int templateId;
        final UnsafeBuffer buffer;

        Message(final int schemaId, final int templateId, final UnsafeBuffer buffer)
        {
            this.schemaId = schemaId;
            this.templateId = templateId;
            this.buffer = buffer;
        }

        boolean is(final int schema, final int template)
        {
            return schemaId == schema && templateId == template;
        }

        boolean isAnnounce()
        {
            return is(ShmPoolAnnounceDecoder.SCHEMA_ID, ShmPoolAnnounceDecoder.TEMPLATE_ID);
        }

        boolean isRevoked()
        {
            return is(ShmLeaseRevokedDecoder.SCHEMA_ID, ShmLeaseRevokedDecoder.TEMPLATE_ID);
        }

        boolean isShutdown()
        {
            return is(ShmDriverShutdownDecoder.SCHEMA_ID, ShmDriverShutdownDecoder.TEMPLATE_ID);
        }

        boolean isAttachResponse()
        {
            return is(ShmAttachResponseDecoder.SCHEMA_ID, ShmAttachResponseDecoder.TEMPLATE_ID);
        }

        boolean isDetachResponse()
        {
            return is(ShmDetachResponseDecoder.SCHEMA_ID, ShmDetachResponseDecoder.TEMPLATE_ID);
        }

        ShmPoolAnnounceDecoder announce()
        {
            return new ShmPoolAnnounceDecoder().wrapAndApplyHeader(buffer, 0,
                new io.tensorpool.codecs.wire.MessageHeaderDecoder());
        }

        ShmLeaseRevokedDecoder revoked()
        {
            return new ShmLeaseRevokedDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        }

        ShmAttachResponseDecoder attachResponse()
        {
            return new ShmAttachResponseDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        }

        ShmDetachResponseDecoder detachResponse()
        {
            return new ShmDetachResponseDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        }

        ShmDriverShutdownDecoder shutdown()
        {
            return new ShmDriverShutdownDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        }
    }

    final List<Message> messages = new ArrayList<>();

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final UnsafeBuffer view = new UnsafeBuffer(copy);
        messages.add(new Message(view.getShort(4) & 0xFFFF, view.getShort(2) & 0xFFFF, view));
    }

    /** Index of the first message after {@code from} matching, or -1. */
    int indexOf(final int from, final java.util.function.Predicate<Message> match)
    {
        for (int i = Math.max(0, from); i < messages.size(); i++)
        {
            if (match.test(messages.get(i)))
            {
                return i;
            }
        }
        return -1;
    }
}
