package io.tensorpool.hardening.fuzz;

import io.tensorpool.control.SchemaGatedHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.reflect.Field;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Feeds fuzzer bytes to a real {@link SchemaGatedHandler} as one Aeron fragment placed in the middle of a larger
 * buffer whose surrounding bytes are a recognisable garbage pattern, so a decoder reading past its fragment would read
 * that garbage instead of failing silently. Checks the handler's accounting: every fragment lands in exactly one of its
 * counters (handled, malformed, foreign schema, unsupported version, unknown template).
 */
final class FragmentFeed
{
    private static final int GUARD = 4096;
    private static final byte GARBAGE = (byte)0xA5;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private byte[] backing = new byte[0];

    /**
     * Deliver {@code data} as one fragment and assert that exactly one counter moved.
     *
     * @return the counter that moved: {@link Outcome}.
     */
    Outcome deliver(final SchemaGatedHandler handler, final byte[] data)
    {
        final int needed = data.length + 2 * GUARD;
        if (backing.length < needed)
        {
            backing = new byte[needed];
        }
        Arrays.fill(backing, GARBAGE);
        System.arraycopy(data, 0, backing, GUARD, data.length);
        buffer.wrap(backing);

        final long handled = handler.handledCount();
        final long malformed = handler.malformedCount();
        final long foreign = handler.foreignSchemaCount();
        final long version = handler.unsupportedVersionCount();
        final long unknown = handler.unknownTemplateCount();

        // The handler contract: never throws to the poll loop. An exception here fails the fuzz test.
        handler.onFragment(buffer, GUARD, data.length, null);

        final long moved = (handler.handledCount() - handled) + (handler.malformedCount() - malformed) +
            (handler.foreignSchemaCount() - foreign) + (handler.unsupportedVersionCount() - version) +
            (handler.unknownTemplateCount() - unknown);
        assertEquals(1, moved, "every fragment must be accounted for in exactly one counter");
        if (handler.handledCount() != handled)
        {
            return Outcome.HANDLED;
        }
        if (handler.malformedCount() != malformed)
        {
            return Outcome.MALFORMED;
        }
        return Outcome.SKIPPED;
    }

    /** What happened to one fragment. */
    enum Outcome
    {
        HANDLED, MALFORMED, SKIPPED
    }

    /** Read a private field (the handlers of the discovery provider/client and the driver conductor are internal). */
    static <T> T field(final Object owner, final String name, final Class<T> type)
    {
        try
        {
            final Field field = owner.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return type.cast(field.get(owner));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("test rig out of date: no field " + name + " in " + owner.getClass(), ex);
        }
    }
}
