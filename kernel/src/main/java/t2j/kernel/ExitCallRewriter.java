package t2j.kernel;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Redirects the calls that end the JVM in a cell's bytecode to {@link CellExit}, before JShell defines the class.
 *
 * <p>Chosen over a SecurityManager: that is deprecated for removal (gone from JDK 24), must be enabled with a JVM
 * flag from JDK 18, and once installed makes the common fork-join pool's threads lose their context class loader,
 * which breaks libraries that look up services from parallel streams. Rewriting covers what the cell itself calls;
 * a library that calls System.exit from its own code still ends the kernel, as it would in IPython.
 */
final class ExitCallRewriter {
    private static final String CELL_EXIT = CellExit.class.getName().replace('.', '/');

    private ExitCallRewriter() {}

    /** The class with its exit calls redirected; the same array when it has none. */
    static byte[] rewrite(byte[] bytecode) {
        ClassReader reader = new ClassReader(bytecode);
        boolean[] changed = new boolean[1];
        // The replacement consumes the same operand stack as the call it replaces, so frames stay valid as read.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                        return new MethodVisitor(Opcodes.ASM9, next) {
                            @Override
                            public void visitMethodInsn(
                                    int opcode, String owner, String method, String desc, boolean itf) {
                                if (opcode == Opcodes.INVOKESTATIC
                                        && owner.equals("java/lang/System")
                                        && method.equals("exit")
                                        && desc.equals("(I)V")) {
                                    changed[0] = true;
                                    super.visitMethodInsn(Opcodes.INVOKESTATIC, CELL_EXIT, "exit", "(I)V", false);
                                } else if (opcode == Opcodes.INVOKEVIRTUAL
                                        && owner.equals("java/lang/Runtime")
                                        && (method.equals("exit") || method.equals("halt"))
                                        && desc.equals("(I)V")) {
                                    changed[0] = true;
                                    super.visitMethodInsn(
                                            Opcodes.INVOKESTATIC, CELL_EXIT, method, "(Ljava/lang/Runtime;I)V", false);
                                } else {
                                    super.visitMethodInsn(opcode, owner, method, desc, itf);
                                }
                            }
                        };
                    }
                },
                0);
        return changed[0] ? writer.toByteArray() : bytecode;
    }
}
