// Starts the single-page app. wasm-bindgen (--target web) writes frontend.js and
// frontend_bg.wasm; init() fetches the .wasm next to the module and runs the app's
// main(), which mounts the interface into <body>. The pages of the other areas come later,
// in wasm chunks that frontend_split.js (imported by frontend.js) fetches when one of them
// is first opened. This file exists because the Content-Security-Policy allows no inline
// script. `make spa` (tools/spa-dist) renames every file after its content and rewrites
// the names here, in the loaders and in index.html.
import init from "/frontend.js";

const boot = document.getElementById("boot");

init().then(
  () => boot?.remove(),
  (error) => {
    console.error("Tuyến could not start:", error);
    if (boot) {
      boot.classList.add("boot-failed");
      boot.setAttribute("role", "alert");
      boot.textContent =
        "Không khởi động được ứng dụng. Hãy tải lại trang hoặc dùng trình duyệt mới hơn. " +
        "(The app could not start: reload the page or use a newer browser.)";
    }
  },
);
