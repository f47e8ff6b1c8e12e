package io.github.alexlab.lesson;

/**
 * What a lesson's stub throws: the student has not written this part yet. A test cell that meets
 * it says "not done yet" rather than showing a stack trace.
 */
public final class Todo extends RuntimeException {
    private final String question;

    public Todo(String question) {
        super("not done yet: " + question + " (replace the stub with your code)");
        this.question = question;
    }

    public String question() {
        return question;
    }
}
