package io.tensorpool.control;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tensorpool.codecs.wire.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Base for every control-plane poller: checks the SBE message header (schemaId first, then version, then templateId,
 * and the subclass checks blockLength) before any decoding, because template ids repeat across the three schemas and
 * streams may be shared (SPEC_DECISIONS "Control plane"). Each fragment is decoded from a view bounded to exactly its
 * length, so a lying length or count fails with a bounds error instead of reading the next message; such fragments are
 * counted as malformed and skipped. Never throws to the Aeron poll loop. Use with a {@code FragmentAssembler}.
 */
public abstract class SchemaGatedHandler implements FragmentHandler
{
    /** Size of the SBE message header; identical in all three schemas. */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final int schemaId;
    private final int maxVersion;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long foreignSchemaCount;
    private long unsupportedVersionCount;
    private long unknownTemplateCount;
    private long malformedCount;
    private long handledCount;

    protected SchemaGatedHandler(final int schemaId, final int maxVersion)
    {
        this.schemaId = schemaId;
        this.maxVersion = maxVersion;
    }

    @Override
    public final void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH)
        {
            malformedCount++;
            onRejected("fragment shorter than the message header", length);
            return;
        }
        view.wrap(buffer, offset, length);
        final int schema = view.getShort(MessageHeaderDecoder.schemaIdEncodingOffset()) & 0xFFFF;
        if (schema != schemaId)
        {
            foreignSchemaCount++;
            return;
        }
        final int version = view.getShort(MessageHeaderDecoder.versionEncodingOffset()) & 0xFFFF;
        if (version == 0 || version > maxVersion)
        {
            unsupportedVersionCount++;
            onRejected("unsupported schema version", version);
            return;
        }
        final int templateId = view.getShort(MessageHeaderDecoder.templateIdEncodingOffset()) & 0xFFFF;
        final int blockLength = view.getShort(MessageHeaderDecoder.blockLengthEncodingOffset()) & 0xFFFF;
        try
        {
            final int result = onMessage(templateId, blockLength, version, view, length);
            if (result == UNKNOWN_TEMPLATE)
            {
                unknownTemplateCount++;
            }
            else if (result == MALFORMED)
            {
                malformedCount++;
                onRejected("malformed message for template", templateId);
            }
            else
            {
                handledCount++;
            }
        }
        // NegativeArraySizeException: SBE reads a u32 var-data length into an int, so a length >= 2^31 reaches
        // new byte[length] in the String accessors before any bounds check.
        catch (final IndexOutOfBoundsException | IllegalStateException | IllegalArgumentException |
            NegativeArraySizeException ex)
        {
            malformedCount++;
            onRejected("malformed message (" + ex.getClass().getSimpleName() + ") for template", templateId);
        }
    }

    /** {@link #onMessage} result: handled. */
    public static final int HANDLED = 0;
    /** {@link #onMessage} result: template not one this handler knows; counted and skipped. */
    public static final int UNKNOWN_TEMPLATE = 1;
    /** {@link #onMessage} result: failed validation (wrong blockLength, bad field); counted and skipped. */
    public static final int MALFORMED = 2;

    /**
     * Decode and act on one message of this handler's schema.
     *
     * @param buffer a view of exactly this message: the SBE header at offset 0, the block at {@link #HEADER_LENGTH}.
     * @return {@link #HANDLED}, {@link #UNKNOWN_TEMPLATE} or {@link #MALFORMED}.
     */
    protected abstract int onMessage(int templateId, int blockLength, int version, DirectBuffer buffer, int length);

    /** Called for each rejected fragment; override to log. Must not throw. */
    protected void onRejected(final String reason, final long value)
    {
    }

    public int schemaId()
    {
        return schemaId;
    }

    public long foreignSchemaCount()
    {
        return foreignSchemaCount;
    }

    public long unsupportedVersionCount()
    {
        return unsupportedVersionCount;
    }

    public long unknownTemplateCount()
    {
        return unknownTemplateCount;
    }

    public long malformedCount()
    {
        return malformedCount;
    }

    public long handledCount()
    {
        return handledCount;
    }
}
