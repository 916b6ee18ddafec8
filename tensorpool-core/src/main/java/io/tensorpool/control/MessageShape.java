package io.tensorpool.control;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The var-length structure of one SBE message: its block length, then its repeating groups and var-data fields in
 * schema order. {@link #end(DirectBuffer, int)} walks a received message with exactly that structure and answers
 * whether every group header, group entry and var-data field lies inside the fragment, before anything decodes it.
 * <p>
 * Why this exists: SBE's generated decoders read a {@code uint32} var-data length into an {@code int}, so a length of
 * 2^31 and above becomes negative and moves the decoder's limit backwards; a message can then still "end" inside its
 * fragment ({@code sbeDecodedLength()} looks fine) while one of its fields claims -1 or 2^31 bytes, which a listener
 * turns into {@code new byte[length]} or a read outside the message. Checking only the final limit is therefore not
 * enough; every field is checked here on its own, in unsigned 64-bit arithmetic.
 * <p>
 * Group entries must use exactly the schema's entry block length (the v1 gate the project applies to message block
 * lengths too, SPEC_DECISIONS "Wire version"), so every fixed field of an entry lies inside its entry. The walk
 * allocates nothing and is safe to run on every message. Instances are immutable and thread-safe.
 */
public final class MessageShape
{
    /** Returned by {@link #end} when some part of the message lies outside the fragment. */
    public static final int OUTSIDE = -1;

    /** Size of a var-data length prefix ({@code uint32}) in all three schemas. */
    public static final int VAR_DATA_HEADER_LENGTH = 4;

    /** Size of {@code groupSizeEncoding} ({@code uint16 blockLength}, {@code uint16 numInGroup}) in all three schemas. */
    public static final int GROUP_HEADER_LENGTH = 4;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Opcode of a var-data field; a group is encoded as its entry block length (>= 0), its body size, its body. */
    private static final int VAR_DATA_OP = -1;

    private final String name;
    private final int blockLength;
    private final int[] ops;

    private MessageShape(final String name, final int blockLength, final int[] ops)
    {
        this.name = name;
        this.blockLength = blockLength;
        this.ops = ops;
    }

    /**
     * The shape of a message.
     *
     * @param name        message name, for diagnostics.
     * @param blockLength the message's fixed block length (v1).
     * @param parts       its groups and var-data fields, in schema order.
     * @return the shape.
     */
    public static MessageShape message(final String name, final int blockLength, final Part... parts)
    {
        if (blockLength < 0)
        {
            throw new IllegalArgumentException("negative block length " + blockLength + " for " + name);
        }
        final List<Integer> ops = new ArrayList<>();
        for (final Part part : parts)
        {
            part.appendTo(ops);
        }
        final int[] compiled = new int[ops.size()];
        for (int i = 0; i < compiled.length; i++)
        {
            compiled[i] = ops.get(i);
        }
        return new MessageShape(name, blockLength, compiled);
    }

    /** A var-data field ({@code uint32} length, then that many bytes). */
    public static Part varData()
    {
        return VarData.INSTANCE;
    }

    /**
     * A repeating group.
     *
     * @param entryBlockLength the schema's block length of one entry (the fixed fields).
     * @param parts            the groups and var-data fields of each entry, in schema order.
     * @return the part.
     */
    public static Part group(final int entryBlockLength, final Part... parts)
    {
        if (entryBlockLength < 0 || entryBlockLength > 0xFFFF)
        {
            throw new IllegalArgumentException("group entry block length out of range: " + entryBlockLength);
        }
        return new Group(entryBlockLength, parts);
    }

    /**
     * Walk a received message whose SBE header sits at offset 0 of {@code buffer}.
     *
     * @param buffer the message, SBE header at offset 0 (e.g. the bounded view of a {@link SchemaGatedHandler}).
     * @param length the fragment length: nothing of the message may lie at or beyond it.
     * @return the offset just after the last var-length part (the message's encoded end, header included), or
     * {@link #OUTSIDE} if the block, a group header, a group entry or a var-data field does not fit in
     * {@code length}, or a group's entry block length differs from the schema's.
     */
    public int end(final DirectBuffer buffer, final int length)
    {
        final long blockEnd = (long)SchemaGatedHandler.HEADER_LENGTH + blockLength;
        if (length < 0 || blockEnd > length)
        {
            return OUTSIDE;
        }
        return walk(buffer, (int)blockEnd, length, 0, ops.length);
    }

    /**
     * @param buffer the message, SBE header at offset 0.
     * @param length the fragment length.
     * @return true if {@link #end} finds every part inside the fragment.
     */
    public boolean fits(final DirectBuffer buffer, final int length)
    {
        return end(buffer, length) != OUTSIDE;
    }

    /** Message name given at construction. */
    public String name()
    {
        return name;
    }

    /** The message's fixed block length. */
    public int blockLength()
    {
        return blockLength;
    }

    private int walk(final DirectBuffer buffer, final int start, final int end, final int from, final int to)
    {
        int limit = start;
        int i = from;
        while (i < to)
        {
            final int op = ops[i];
            if (op == VAR_DATA_OP)
            {
                limit = varDataEnd(buffer, limit, end);
                i++;
            }
            else
            {
                final int bodyFrom = i + 2;
                final int bodyTo = bodyFrom + ops[i + 1];
                limit = groupEnd(buffer, limit, end, op, bodyFrom, bodyTo);
                i = bodyTo;
            }
            if (limit == OUTSIDE)
            {
                return OUTSIDE;
            }
        }
        return limit;
    }

    private int groupEnd(
        final DirectBuffer buffer,
        final int limit,
        final int end,
        final int entryBlockLength,
        final int bodyFrom,
        final int bodyTo)
    {
        if ((long)limit + GROUP_HEADER_LENGTH > end)
        {
            return OUTSIDE;
        }
        final int actingBlockLength = buffer.getShort(limit, ORDER) & 0xFFFF;
        final int count = buffer.getShort(limit + 2, ORDER) & 0xFFFF;
        if (actingBlockLength != entryBlockLength)
        {
            return OUTSIDE;
        }
        int entry = limit + GROUP_HEADER_LENGTH;
        for (int k = 0; k < count; k++)
        {
            if ((long)entry + entryBlockLength > end)
            {
                return OUTSIDE;
            }
            entry = walk(buffer, entry + entryBlockLength, end, bodyFrom, bodyTo);
            if (entry == OUTSIDE)
            {
                return OUTSIDE;
            }
        }
        return entry;
    }

    /**
     * The end of the var-data field whose length prefix sits at {@code limit}, or {@link #OUTSIDE} if the prefix or
     * the data do not fit before {@code end}. The {@code uint32} length is read unsigned.
     *
     * @param buffer the message.
     * @param limit  offset of the length prefix.
     * @param end    the fragment length.
     * @return the offset after the data, or {@link #OUTSIDE}.
     */
    public static int varDataEnd(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit < 0 || (long)limit + VAR_DATA_HEADER_LENGTH > end)
        {
            return OUTSIDE;
        }
        final long dataLength = buffer.getInt(limit, ORDER) & 0xFFFF_FFFFL;
        final long dataEnd = limit + VAR_DATA_HEADER_LENGTH + dataLength;
        return dataEnd > end ? OUTSIDE : (int)dataEnd;
    }

    @Override
    public String toString()
    {
        return "MessageShape{" + name + " blockLength=" + blockLength + "}";
    }

    /** A group or var-data field of a {@link MessageShape}; built with {@link #group} and {@link #varData()}. */
    public abstract static class Part
    {
        Part()
        {
        }

        abstract void appendTo(List<Integer> ops);
    }

    private static final class VarData extends Part
    {
        static final VarData INSTANCE = new VarData();

        @Override
        void appendTo(final List<Integer> ops)
        {
            ops.add(VAR_DATA_OP);
        }
    }

    private static final class Group extends Part
    {
        private final int entryBlockLength;
        private final Part[] parts;

        Group(final int entryBlockLength, final Part[] parts)
        {
            this.entryBlockLength = entryBlockLength;
            this.parts = parts.clone();
        }

        @Override
        void appendTo(final List<Integer> ops)
        {
            ops.add(entryBlockLength);
            final int sizeIndex = ops.size();
            ops.add(0);
            for (final Part part : parts)
            {
                part.appendTo(ops);
            }
            ops.set(sizeIndex, ops.size() - sizeIndex - 1);
        }
    }
}
