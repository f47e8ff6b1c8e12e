package io.github.alexlab.lesson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** What a lesson's cells use besides the checks: stubs, and inputs drawn from the course's secret. */
public final class Lesson {
    /** The environment variable with the course's secret; graders set it, students need not. */
    public static final String SECRET_VARIABLE = "ALEXLAB_LESSON_SECRET";

    private Lesson() {}

    /**
     * The stub of a value the student must compute: {@code double slope = Lesson.todo("relu");}
     * compiles for any type (a generic method), and throws {@link Todo} when it runs.
     */
    public static <T> T todo(String question) {
        throw new Todo(question);
    }

    /**
     * Random numbers for a hidden test of {@code question}, seeded by the course's secret: the
     * lesson's source is public, so a hidden test is a template, and each course draws its own
     * shapes and values from it. The same secret and question give the same numbers every run.
     */
    public static Random random(String question) {
        String secret = System.getenv().getOrDefault(SECRET_VARIABLE, "public");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((secret + ":" + question).getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < Long.BYTES; i++)
                seed = seed << 8 | (digest[i] & 0xff);
            return new Random(seed);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
