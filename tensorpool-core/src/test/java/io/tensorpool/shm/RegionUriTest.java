package io.tensorpool.shm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Wire §4.1, §15.22: one test per URI rule; every rejection names the offending value. */
class RegionUriTest
{
    @Test
    void parsesPathAndDefaultsHugepagesToFalse()
    {
        final RegionUri uri = RegionUri.parse("shm:file?path=/dev/shm/tp/header.ring");
        assertEquals("/dev/shm/tp/header.ring", uri.path());
        assertFalse(uri.requireHugepages());
    }

    @Test
    void parsesHugepagesTrueAndFalseInEitherOrder()
    {
        assertTrue(RegionUri.parse("shm:file?path=/dev/hugepages/a|require_hugepages=true").requireHugepages());
        assertFalse(RegionUri.parse("shm:file?path=/dev/hugepages/a|require_hugepages=false").requireHugepages());
        final RegionUri reordered = RegionUri.parse("shm:file?require_hugepages=true|path=/dev/hugepages/a");
        assertTrue(reordered.requireHugepages());
        assertEquals("/dev/hugepages/a", reordered.path());
    }

    @Test
    void formatRoundTrips()
    {
        final String text = RegionUri.format("/dev/shm/x/payload-1.pool", true);
        assertEquals("shm:file?path=/dev/shm/x/payload-1.pool|require_hugepages=true", text);
        assertEquals(RegionUri.parse(text), RegionUri.of("/dev/shm/x/payload-1.pool", true));
        assertEquals(text, RegionUri.parse(text).toString());
    }

    @Test
    void rejectsEmptyUri()
    {
        assertRejected("", "empty");
        assertThrows(ShmValidationException.class, () -> RegionUri.parse(null));
    }

    @Test
    void rejectsOverlongUri()
    {
        final String uri = "shm:file?path=/" + "a".repeat(RegionUri.MAX_LENGTH);
        assertRejected(uri, "length=" + uri.length());
    }

    @Test
    void rejectsUnknownScheme()
    {
        assertRejected("aeron:ipc?path=/dev/shm/x", "aeron:ipc?path=/dev/shm/x");
        assertRejected("shm:mem?path=/dev/shm/x", "shm:mem?path=/dev/shm/x");
        assertRejected("SHM:FILE?path=/dev/shm/x", "SHM:FILE?path=/dev/shm/x");
        assertRejected("file:///dev/shm/x", "file:///dev/shm/x");
    }

    @Test
    void rejectsUnknownParameter()
    {
        assertRejected("shm:file?path=/dev/shm/x|mode=660", "'mode'");
    }

    @Test
    void rejectsAmpersandSeparatedParameters()
    {
        // '&' is not a separator (Wire §4.1): the rest of the text becomes the (invalid) boolean value
        assertRejected("shm:file?require_hugepages=true&path=/dev/shm/x", "'true&path=/dev/shm/x'");
    }

    @Test
    void rejectsParameterWithoutValue()
    {
        assertRejected("shm:file?path=/dev/shm/x|require_hugepages", "'require_hugepages'");
        assertRejected("shm:file?", "''");
        assertRejected("shm:file?path=/dev/shm/x|", "''");
    }

    @Test
    void rejectsRepeatedPath()
    {
        assertRejected("shm:file?path=/dev/shm/x|path=/dev/shm/y", "path=/dev/shm/y");
    }

    @Test
    void rejectsRepeatedHugepages()
    {
        assertRejected("shm:file?path=/a|require_hugepages=false|require_hugepages=true", "require_hugepages=true");
    }

    @Test
    void rejectsNonBooleanHugepages()
    {
        assertRejected("shm:file?path=/dev/shm/x|require_hugepages=yes", "'yes'");
        assertRejected("shm:file?path=/dev/shm/x|require_hugepages=TRUE", "'TRUE'");
    }

    @Test
    void rejectsMissingPath()
    {
        assertRejected("shm:file?require_hugepages=true", "shm:file?require_hugepages=true");
        assertRejected("shm:file?path=", "shm:file?path=");
    }

    @Test
    void rejectsRelativePath()
    {
        assertRejected("shm:file?path=dev/shm/x", "'dev/shm/x'");
        assertRejected("shm:file?path=../x", "'../x'");
    }

    @Test
    void rejectsForbiddenCharacters()
    {
        assertRejected("shm:file?path=/dev/shm/a b", "code 32");
        assertRejected("shm:file?path=/dev/shm/a?b", "code 63");
        assertRejected("shm:file?path=/dev/shm/a\tb", "code 9");
        assertRejected("shm:file?path=/dev/shm/\u00e9", "code 233");
        assertRejected("shm:file?path=/dev/shm/a\u0000b", "code 0");
    }

    private static void assertRejected(final String uri, final String expectedInMessage)
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class, () -> RegionUri.parse(uri));
        assertTrue(ex.getMessage().contains(expectedInMessage),
            () -> "message should contain <" + expectedInMessage + ">: " + ex.getMessage());
    }
}
