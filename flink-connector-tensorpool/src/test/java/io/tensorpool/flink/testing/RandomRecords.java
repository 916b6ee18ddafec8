package io.tensorpool.flink.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test records for Flink's connector test suites: a recognisable prefix and a random lowercase tail. */
public final class RandomRecords
{
    private RandomRecords()
    {
    }

    /**
     * @return {@code count} records {@code <prefix><i>-<1..maxTail random letters>}, reproducible from {@code seed}.
     */
    public static List<String> of(final String prefix, final int count, final int maxTail, final long seed)
    {
        final Random random = new Random(seed);
        final List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final StringBuilder record = new StringBuilder(prefix).append(i).append('-');
            final int length = 1 + random.nextInt(maxTail);
            for (int j = 0; j < length; j++)
            {
                record.append((char)('a' + random.nextInt(26)));
            }
            records.add(record.toString());
        }
        return records;
    }
}
