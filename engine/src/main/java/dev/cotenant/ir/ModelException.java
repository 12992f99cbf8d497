package dev.cotenant.ir;

/**
 * A problem with a user's model, input or request: the message names what was wrong and where, in
 * one line, and is shown to the user as it is (the stack trace only with {@code --verbose}).
 */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
