import { Testing } from "cdktf";
// Brings the matchers' type declarations into the compilation.
import "cdktf/lib/testing/adapters/jest";

// Adds cdktf's matchers (toHaveResourceWithProperties, …) to every test file.
Testing.setupJest();
