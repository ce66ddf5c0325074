/** Tailwind 3 build for Aviary. Run `make assets`; the output (static/css/app.css) is committed. */
module.exports = {
  content: ['./views/**/*.templ', './views/**/*.go', './web/**/*.go', './static/js/*.js'],
  darkMode: 'media',
  theme: {
    extend: {
      colors: {
        brand: {
          50: '#eef7ff', 100: '#d9ecff', 200: '#bcdfff', 300: '#8ecbff', 400: '#59adff',
          500: '#338bfc', 600: '#1d6cf1', 700: '#1556de', 800: '#1846b4', 900: '#1a3f8e',
        },
      },
    },
  },
  plugins: [],
};
